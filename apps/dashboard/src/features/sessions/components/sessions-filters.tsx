import { listConnectionValues, sessionHealths, sessionStatusValues, sessionTypes } from '@mqdash/contracts';
import { CheckboxField, MultiSelectField, SelectField, type Option } from '../../../components/ui/fields';
import { connectionText, healthText, listTypeText, statusText } from '../lib/display';
import type { SessionsListState } from '../lib/list-state';
import { SessionSearchField } from './session-search-field';

const connectionOptions = listConnectionValues.map((id) => ({ id, label: connectionText[id] }));
const statusOptions = sessionStatusValues.map((id) => ({ id, label: statusText[id] }));
const typeOptions = sessionTypes.map((id) => ({ id, label: listTypeText[id] }));
const healthOptions = sessionHealths.map((id) => ({ id, label: healthText[id] }));

export interface SessionsFiltersProps {
  state: SessionsListState;
  /** Any filter change; the caller resets the page. */
  onChange: (patch: Partial<SessionsListState>) => void;
  /** Labels to filter by (from the labels feature, combined by the route). */
  labelOptions: Option[];
}

/** A control for every listMqSessions filter (seed 000). */
export function SessionsFilters({ state, onChange, labelOptions }: SessionsFiltersProps) {
  const labelChoices: Option[] = [{ id: 'all', label: 'All' }, ...labelOptions];
  const labelValue = state.labelId === null ? 'all' : String(state.labelId);
  // A bookmarked label that no longer exists still shows as chosen.
  if (state.labelId !== null && !labelChoices.some((o) => o.id === labelValue)) labelChoices.push({ id: labelValue, label: `Label #${labelValue}` });

  return (
    <div className="filters" role="group" aria-label="Filters">
      <SessionSearchField value={state.prefix} onChange={(prefix) => onChange({ prefix })} />
      <MultiSelectField label="Connection status" options={connectionOptions} value={state.connection} onChange={(connection) => onChange({ connection })} />
      <MultiSelectField label="Session status" options={statusOptions} value={state.status} onChange={(status) => onChange({ status })} />
      <MultiSelectField label="Session type" options={typeOptions} value={state.type} onChange={(type) => onChange({ type })} />
      <MultiSelectField label="Health" options={healthOptions} value={state.health} onChange={(health) => onChange({ health })} />
      <SelectField label="Label" options={labelChoices} value={labelValue} onChange={(id) => onChange({ labelId: id === 'all' ? null : Number(id) })} className="label-select" />
      <div className="filter-checks">
        <CheckboxField isSelected={state.showHidden} onChange={(showHidden) => onChange({ showHidden })}>
          Show hidden
        </CheckboxField>
        <CheckboxField isSelected={state.withThresholdsOnly} onChange={(withThresholdsOnly) => onChange({ withThresholdsOnly })}>
          Only with thresholds set
        </CheckboxField>
      </div>
    </div>
  );
}
