import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { ChevronLeft, ChevronRight, Trash } from '../../../components/ui/icons';
import { Spinner } from '../../../components/ui/spinner';
import { EmptyState, ErrorState } from '../../../components/ui/states';
import { errorMessage } from '../../../lib/api-client';
import { formatCount, plural } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { toast } from '../../../lib/toast';
import { useNow } from '../../../lib/use-now';
import { useCountRetained, useDeleteRetained } from '../api/delete-retained';
import { useRetainedList } from '../api/list-retained';
import { pageCount, RETAINED_PAGE_SIZE, type RetainedListState } from '../lib/list-state';
import { RetainedMessageCard } from './retained-message-card';
import { RetainedSearch } from './retained-search';
import { RetainedTable } from './retained-table';

/** What a confirmation is about: one topic, or every match of a filter with the count the server gave. */
type Pending = { topic: string } | { topicFilter: string; count: number };

export interface RetainedBrowserProps {
  state: RetainedListState;
  onStateChange: (next: RetainedListState) => void;
}

/**
 * The Retained screen's feature: search by topic filter, a page of matches, a preview of one, and
 * deleting one or all matching (operators), each confirmed; the count to delete comes from a dry run.
 */
export function RetainedBrowser({ state, onStateChange }: RetainedBrowserProps) {
  const canDelete = useCan('operator');
  const now = useNow(30_000);
  const list = useRetainedList({ topicFilter: state.topicFilter, page: state.page, pageSize: RETAINED_PAGE_SIZE });
  const [selected, setSelected] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const remove = useDeleteRetained();
  const count = useCountRetained();

  const askDeleteMatching = () => {
    count.mutate({ topicFilter: state.topicFilter }, {
      onSuccess: (r) => setPending({ topicFilter: state.topicFilter, count: r.matchedCount }),
      onError: (err) => toast({ title: 'Could not count the retained messages', description: errorMessage(err), tone: 'error' }),
    });
  };
  const confirm = () => {
    if (!pending) return;
    const target = 'topic' in pending ? { topic: pending.topic } : { topicFilter: pending.topicFilter };
    // The preview of what is being deleted closes now: once deleted there is nothing to show.
    if ('topic' in pending ? pending.topic === selected : true) setSelected(null);
    remove.mutate(target, {
      onSuccess: (r) => {
        toast({ title: r.deletedCount === 0 ? 'Nothing was deleted: already gone' : `Deleted ${plural(r.deletedCount, 'retained message')}`, tone: 'success' });
        setPending(null);
      },
    });
  };

  const total = list.data?.totalCount ?? 0;
  const pages = pageCount(total);
  const first = (state.page - 1) * RETAINED_PAGE_SIZE;
  const deleteAllLabel = 'topicFilter' in (pending ?? {}) ? `Delete ${plural((pending as { count: number }).count, 'retained message')}` : 'Delete';

  return (
    <div className="stack-lg">
      <Card
        title="Retained messages"
        actions={canDelete && total > 0 ? (
          <Button variant="danger" size="sm" isPending={count.isPending} onPress={askDeleteMatching}><Trash /> Delete all matching</Button>
        ) : undefined}
      >
        <div className="stack">
          <RetainedSearch key={state.topicFilter} topicFilter={state.topicFilter} isPending={list.isFetching} onSearch={(topicFilter) => onStateChange({ topicFilter, page: 1 })} />
          {list.isPending ? (
            <Spinner label="Loading retained messages…" />
          ) : list.isError ? (
            <ErrorState title="Could not load the retained messages" message={errorMessage(list.error)} onRetry={() => void list.refetch()} />
          ) : list.data.data.length === 0 ? (
            <EmptyState title={state.topicFilter === '#' ? 'No retained messages' : `No retained messages match ${state.topicFilter}`}>
              A message published with the retain flag is kept here for the next subscriber of its topic.
            </EmptyState>
          ) : (
            <>
              <RetainedTable messages={list.data.data} now={now} selectedTopic={selected} onView={setSelected} onDelete={canDelete ? (topic) => setPending({ topic }) : undefined} />
              <nav className="pagination" aria-label="Pagination">
                <p className="pagination-total" aria-live="polite">
                  {`${formatCount(first + 1)}–${formatCount(first + list.data.data.length)} of ${plural(total, 'retained message')}`}
                </p>
                <div className="pagination-pages">
                  <Button variant="ghost" size="sm" className="btn-icon" aria-label="Previous page" isDisabled={state.page <= 1} onPress={() => onStateChange({ ...state, page: state.page - 1 })}>
                    <ChevronLeft />
                  </Button>
                  <span className="pagination-page">Page {formatCount(state.page)} of {formatCount(pages)}</span>
                  <Button variant="ghost" size="sm" className="btn-icon" aria-label="Next page" isDisabled={state.page >= pages} onPress={() => onStateChange({ ...state, page: state.page + 1 })}>
                    <ChevronRight />
                  </Button>
                </div>
              </nav>
            </>
          )}
        </div>
      </Card>
      {selected !== null && (
        <RetainedMessageCard key={selected} topic={selected} now={now} onClose={() => setSelected(null)} onDelete={canDelete ? (topic) => setPending({ topic }) : undefined} />
      )}
      <ConfirmDialog
        isOpen={pending !== null}
        onOpenChange={(open) => !open && setPending(null)}
        title={pending && 'topic' in pending ? 'Delete this retained message?' : 'Delete all matching retained messages?'}
        confirmLabel={pending && 'topic' in pending ? 'Delete retained message' : deleteAllLabel}
        onConfirm={confirm}
        isPending={remove.isPending}
      >
        {pending && 'topic' in pending ? (
          <p>The retained message on <span className="mono">{pending.topic}</span> is removed from the broker: new subscribers no longer get it. This cannot be undone.</p>
        ) : pending ? (
          <p>
            {plural(pending.count, 'retained message')} {pending.count === 1 ? 'matches' : 'match'} <span className="mono">{pending.topicFilter}</span>.
            They are removed from the broker: new subscribers no longer get them. This cannot be undone.
          </p>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}
