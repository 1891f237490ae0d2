import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '../../components/ui/button';
import type { Option } from '../../components/ui/fields';
import { Plus } from '../../components/ui/icons';
import { labelText, useLabels } from '../../features/labels/api/list-labels';
import { useLabelChoices } from '../../features/labels/api/use-label-choices';
import { useIsLive } from '../../features/live/lib/live-status';
import { SavedViewsMenu } from '../../features/saved-views/components/saved-views-menu';
import { CreateMqApiSessionDialog } from '../../features/sessions/components/create-mq-api-session-dialog';
import { SessionsList } from '../../features/sessions/components/sessions-list';
import { sessionHref } from '../../features/sessions/lib/paths';
import { Can } from '../../lib/permissions';
import { toast } from '../../lib/toast';

const HEADING_ID = 'sessions-heading';

/** Sessions page: the list feature, fed with label choices from the labels feature. */
export function SessionsRoute() {
  const labels = useLabels();
  const labelChoices = useLabelChoices();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  // Live, the feed patches the table; without it, the table refreshes itself.
  const live = useIsLive();
  const labelOptions: Option[] = (labels.data ?? []).map((l) => ({ id: String(l.id), label: `${labelText(l)} (${l.sessionCount})` }));

  return (
    <div className="page page-full">
      <title>Sessions · mqdash</title>
      <div className="page-header">
        <h1 className="page-title" id={HEADING_ID}>Sessions</h1>
        <Can need="operator">
          <Button variant="primary" onPress={() => setCreating(true)}>
            <Plus /> Create MQ API session
          </Button>
        </Can>
      </div>
      <SessionsList
        labelOptions={labelOptions}
        headingId={HEADING_ID}
        refreshInterval={live ? false : 15_000}
        viewsMenu={(view) => <SavedViewsMenu search={view.search} columns={view.columns} onApply={view.apply} />}
      />
      <CreateMqApiSessionDialog
        isOpen={creating}
        onOpenChange={setCreating}
        labels={labelChoices}
        onCreated={(session) => {
          setCreating(false);
          toast.success('MQ API session created', session.clientName);
          void navigate(sessionHref(session.clientName));
        }}
      />
    </div>
  );
}
