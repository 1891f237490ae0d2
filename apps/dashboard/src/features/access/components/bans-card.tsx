import { createBanParams, type BanInfo, type BanType } from '@mqdash/contracts';
import { useEffect, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { SelectField, TextInputField, type Option } from '../../../components/ui/fields';
import { Trash } from '../../../components/ui/icons';
import { Spinner } from '../../../components/ui/spinner';
import { ErrorState } from '../../../components/ui/states';
import { errorMessage } from '../../../lib/api-client';
import { formatDateTime, plural } from '../../../lib/format';
import { submitErrors, zodFieldErrors, type FieldErrors } from '../../../lib/form-errors';
import { useCan } from '../../../lib/permissions';
import { toast } from '../../../lib/toast';
import { useDebouncedCallback } from '../../../lib/use-debounced-callback';
import { useBanPreview, useBans, useCreateBan, useDeleteBan } from '../api/bans';

export const banTypeLabel: Record<BanType, string> = {
  clientName: 'Client ID',
  clientNamePattern: 'Client ID pattern',
  username: 'User name',
  usernamePattern: 'User name pattern',
  ipAddress: 'IP address',
  ipRange: 'IP range (CIDR)',
};
const banTypeOptions: Option<BanType>[] = (Object.keys(banTypeLabel) as BanType[]).map((id) => ({ id, label: banTypeLabel[id] }));

const valueHint: Record<BanType, string> = {
  clientName: 'The exact client ID.',
  clientNamePattern: 'A regular expression, at most 256 characters, e.g. ^test-.',
  username: 'The exact user name.',
  usernamePattern: 'A regular expression, at most 256 characters.',
  ipAddress: 'One IPv4 or IPv6 address, e.g. 192.0.2.7.',
  ipRange: 'A CIDR range, e.g. 10.0.0.0/8.',
};

type Expiry = 'never' | '1h' | '1d' | '7d' | '30d';
const expiryHours: Record<Expiry, number | null> = { never: null, '1h': 1, '1d': 24, '7d': 168, '30d': 720 };
const expiryOptions: Option<Expiry>[] = [
  { id: 'never', label: 'Never' },
  { id: '1h', label: 'In 1 hour' },
  { id: '1d', label: 'In 1 day' },
  { id: '7d', label: 'In 7 days' },
  { id: '30d', label: 'In 30 days' },
];
const FIELDS = ['banType', 'value', 'reason', 'expiresDateTime'] as const;

/** Wait after the last keystroke before asking who the ban would hit. */
const PREVIEW_DELAY_MS = 300;

/**
 * The ban-impact preview (issue 12): who the ban being typed would hit now, asked once typing
 * pauses and only for a value the schema accepts; the last answer stays while the next loads.
 */
function BanImpact({ banType, value }: { banType: BanType; value: string }) {
  const [asked, setAsked] = useState<{ banType: BanType; value: string } | null>(null);
  const { run, cancel } = useDebouncedCallback(setAsked, PREVIEW_DELAY_MS);
  const trimmed = value.trim();
  const valid = createBanParams.safeParse({ banType, value: trimmed }).success;
  useEffect(() => {
    if (valid) run({ banType, value: trimmed });
    else cancel();
  }, [banType, trimmed, valid, run, cancel]);
  const preview = useBanPreview(valid ? asked : null);
  if (!valid || asked === null) return null;
  const settled = asked.banType === banType && asked.value === trimmed && !preview.isFetching;
  let body;
  if (preview.isError) body = <>Could not preview this ban: {errorMessage(preview.error)}</>;
  else if (!preview.data) body = <>Checking who this ban would hit…</>;
  else {
    const p = preview.data;
    const none = p.connectedClients === 0 && p.storedSessions === 0;
    body = (
      <>
        {p.exists && <strong className="block">This ban exists already.</strong>}
        {none ? (
          <>No connected client and no stored session matches now.</>
        ) : (
          <>
            Would disconnect <strong>{plural(p.connectedClients, 'connected client')}</strong> and match <strong>{plural(p.storedSessions, 'stored session')}</strong>
            {p.sampleClientNames.length > 0 && (
              <span className="block small">
                {p.sampleClientNames.length < Math.max(p.connectedClients, p.storedSessions) ? 'For example: ' : 'Client IDs: '}
                {p.sampleClientNames.map((n, i) => <span key={n}>{i > 0 && ', '}<span className="mono">{n}</span></span>)}
              </span>
            )}
          </>
        )}
      </>
    );
  }
  return (
    <div className="ban-impact" role="status" aria-live="polite" aria-busy={!settled} data-testid="ban-impact">
      {body}
    </div>
  );
}

/** Add a ban: type, value, reason, expiry; checked with the server's schema, errors beside their fields. */
function AddBanForm() {
  const [banType, setBanType] = useState<BanType>('ipAddress');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [expiry, setExpiry] = useState<Expiry>('never');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useCreateBan();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (create.isPending) return;
    setFormError(null);
    const hours = expiryHours[expiry];
    const body = { banType, value: value.trim(), reason, expiresDateTime: hours === null ? null : new Date(Date.now() + hours * 3_600_000).toISOString() };
    const parsed = createBanParams.safeParse(body);
    const next = parsed.success ? {} : zodFieldErrors(parsed.error);
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    create.mutate(body, {
      onSuccess: (ban) => {
        toast.success('Ban added', `${banTypeLabel[ban.banType]} ${ban.value}${ban.disconnectedClients ? `: ${plural(ban.disconnectedClients, 'client')} disconnected` : ''}.`);
        setValue('');
        setReason('');
      },
      onError: (error) => {
        const { fieldErrors, formError } = submitErrors(error, FIELDS);
        setErrors(fieldErrors);
        setFormError(formError);
      },
    });
  };

  return (
    <Form onSubmit={submit} validationBehavior="aria" className="stack access-form" aria-label="Add a ban">
      <h3 className="card-subtitle">Add a ban</h3>
      {formError && <div className="callout callout-error" role="alert">{formError}</div>}
      <div className="access-form-row">
        <SelectField label="Ban by" options={banTypeOptions} value={banType} onChange={setBanType} error={errors.banType} />
        <TextInputField label="Value" value={value} onChange={setValue} error={errors.value} autoComplete="off" description={valueHint[banType]} className="access-form-wide" />
      </div>
      <BanImpact banType={banType} value={value} />
      <div className="access-form-row">
        <TextInputField label="Reason" value={reason} onChange={setReason} error={errors.reason} autoComplete="off" description="Optional; shown in the list." className="access-form-wide" />
        <SelectField label="Expires" options={expiryOptions} value={expiry} onChange={setExpiry} error={errors.expiresDateTime} />
      </div>
      <div>
        <Button variant="primary" type="submit" isPending={create.isPending}>Add ban</Button>
      </div>
    </Form>
  );
}

/**
 * Settings → Bans (issue 12): bans that need no session, by client ID, user name, address or
 * range. A matching CONNECT is refused (0x8A Banned) and a new ban disconnects the matching
 * clients. Operators and administrators add and remove; viewers read.
 */
export function BansCard() {
  const bans = useBans();
  const remove = useDeleteBan();
  const canChange = useCan('operator');
  const [removing, setRemoving] = useState<BanInfo | null>(null);

  return (
    <Card title="Bans" className="bans-card">
      <p className="muted card-lead">
        MQTT clients refused at CONNECT (MQTT 5: reason 0x8A <em>Banned</em>; 3.1.1: return code 5), whether or not they have a session. Adding a ban disconnects the matching clients connected now.
      </p>
      {canChange && <AddBanForm />}
      <h3 className="card-subtitle">Ban list</h3>
      {bans.isPending ? (
        <Spinner label="Loading bans…" />
      ) : bans.isError ? (
        <ErrorState title="Could not load the bans" message={errorMessage(bans.error)} onRetry={() => void bans.refetch()} />
      ) : bans.data.data.length === 0 ? (
        <p className="muted empty-line">No bans.</p>
      ) : (
        <div className="mini-table-scroll">
          <table className="mini-table bans-table">
            <caption className="sr-only">Bans</caption>
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Value</th>
                <th scope="col">Reason</th>
                <th scope="col">Added</th>
                <th scope="col">Expires</th>
                {canChange && <th scope="col"><span className="sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody>
              {bans.data.data.map((b) => (
                <tr key={`${b.banType} ${b.value}`}>
                  <td className="nowrap">{banTypeLabel[b.banType]}</td>
                  <th scope="row"><span className="mono key-name">{b.value}</span></th>
                  <td>{b.reason || <span className="muted">—</span>}</td>
                  <td className="nowrap">
                    {formatDateTime(b.createdDateTime)}
                    {b.createdBy && <span className="muted small block">by {b.createdBy}</span>}
                  </td>
                  <td className="nowrap">{b.expiresDateTime ? formatDateTime(b.expiresDateTime) : <span className="muted">Never</span>}</td>
                  {canChange && (
                    <td className="cell-actions">
                      <Button size="sm" variant="danger-ghost" aria-label={`Remove ban ${b.value}`} onPress={() => setRemoving(b)}>
                        <Trash /> Remove
                      </Button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {bans.data.totalCount > bans.data.data.length && <p className="muted small">Showing {bans.data.data.length} of {plural(bans.data.totalCount, 'ban')}.</p>}
        </div>
      )}
      <ConfirmDialog
        isOpen={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        title="Remove ban?"
        confirmLabel="Remove ban"
        isPending={remove.isPending}
        onConfirm={() => {
          const ban = removing;
          if (!ban) return;
          remove.mutate(ban, {
            onSuccess: () => {
              toast.success('Ban removed', `${banTypeLabel[ban.banType]} ${ban.value}`);
              setRemoving(null);
            },
          });
        }}
      >
        <p>
          Clients matching {removing && banTypeLabel[removing.banType].toLowerCase()} <span className="mono">{removing?.value}</span> may connect again from now on.
        </p>
      </ConfirmDialog>
    </Card>
  );
}
