import { listConnectionValues, mqttProtocolFilterValues, parseIpFilter, sessionHealths, sessionStatusValues, sessionTypes } from '@mqdash/contracts';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { CheckboxField, MultiSelectField, type Option } from '../../../components/ui/fields';
import { connectionText, healthText, listTypeText, statusText } from '../lib/display';
import { ChevronDown } from '../../../components/ui/icons';
import type { SessionsListState } from '../lib/list-state';
import { FilterTextField, SessionSearchField } from './session-search-field';

const connectionOptions = listConnectionValues.map((id) => ({ id, label: connectionText[id] }));
const statusOptions = sessionStatusValues.map((id) => ({ id, label: statusText[id] }));
const typeOptions = sessionTypes.map((id) => ({ id, label: listTypeText[id] }));
const healthOptions = sessionHealths.map((id) => ({ id, label: healthText[id] }));
const protocolOptions = mqttProtocolFilterValues.map((id) => ({ id, label: `MQTT ${id}` }));

/** Why a text is not an IP address or CIDR range (the server's own parser), or null. */
function ipProblem(text: string): string | null {
  try {
    parseIpFilter(text);
    return null;
  } catch (err) {
    return `Enter an IP address or CIDR range such as 10.0.0.0/8: ${(err as Error).message}`;
  }
}

export interface SessionsFiltersProps {
  state: SessionsListState;
  /** Any filter change; the caller resets the page. */
  onChange: (patch: Partial<SessionsListState>) => void;
  /** Labels to filter by (from the labels feature, combined by the route). */
  labelOptions: Option[];
}

/** How many filters besides the search box are set (shown on the narrow screen's Filters button). */
function countMoreFilters(s: SessionsListState): number {
  const lists = [s.protocol, s.connection, s.status, s.type, s.health, s.labelIds].filter((l) => l.length > 0).length;
  return lists + [s.username, s.ip].filter(Boolean).length + [s.showHidden, s.withThresholdsOnly].filter(Boolean).length;
}

/**
 * A control for every listMqSessions filter (seed 000) and issue 13's search filters. On a narrow
 * screen (issue 13) all but the search box sit behind a Filters button, so the first screen shows
 * sessions; from 761 px on the button is hidden and every filter shows (styles/narrow.css).
 */
export function SessionsFilters({ state, onChange, labelOptions }: SessionsFiltersProps) {
  const [open, setOpen] = useState(false);
  const more = countMoreFilters(state);
  const labelChoices = [...labelOptions];
  // A bookmarked label that no longer exists still shows as chosen.
  for (const id of state.labelIds) if (!labelChoices.some((o) => o.id === String(id))) labelChoices.push({ id: String(id), label: `Label #${id}` });

  return (
    <div className="filters" role="group" aria-label="Filters">
      <SessionSearchField value={state.search} onChange={(search) => onChange({ search })} />
      <Button
        variant="secondary"
        className={`filters-toggle${open ? ' is-open' : ''}`}
        aria-expanded={open}
        aria-controls="more-filters"
        onPress={() => setOpen((o) => !o)}
      >
        Filters{more > 0 && <span className="select-count">{more}<span className="sr-only"> set</span></span>}
        <ChevronDown />
      </Button>
      <div id="more-filters" className={`filters-more${open ? ' is-open' : ''}`}>
        <FilterTextField label="User name" placeholder="Exact user name" value={state.username} onChange={(username) => onChange({ username })} className="filter-text" />
        <FilterTextField label="IP or CIDR" placeholder="e.g. 10.0.0.0/8" value={state.ip} onChange={(ip) => onChange({ ip })} validate={ipProblem} className="filter-text" />
        <MultiSelectField label="Protocol" options={protocolOptions} value={state.protocol} onChange={(protocol) => onChange({ protocol })} />
        <MultiSelectField label="Connection status" options={connectionOptions} value={state.connection} onChange={(connection) => onChange({ connection })} />
        <MultiSelectField label="Session status" options={statusOptions} value={state.status} onChange={(status) => onChange({ status })} />
        <MultiSelectField label="Session type" options={typeOptions} value={state.type} onChange={(type) => onChange({ type })} />
        <MultiSelectField label="Health" options={healthOptions} value={state.health} onChange={(health) => onChange({ health })} />
        <MultiSelectField
          label="Labels"
          options={labelChoices}
          value={state.labelIds.map(String)}
          onChange={(ids) => onChange({ labelIds: ids.map(Number) })}
          className="label-select"
        />
        <div className="filter-checks">
          <CheckboxField isSelected={state.showHidden} onChange={(showHidden) => onChange({ showHidden })}>
            Show hidden
          </CheckboxField>
          <CheckboxField isSelected={state.withThresholdsOnly} onChange={(withThresholdsOnly) => onChange({ withThresholdsOnly })}>
            Only with thresholds set
          </CheckboxField>
        </div>
      </div>
    </div>
  );
}
