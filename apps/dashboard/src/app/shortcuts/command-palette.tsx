import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { Autocomplete, Dialog, Header, Heading, Input, ListBox, ListBoxItem, ListBoxSection, Modal, ModalOverlay, SearchField } from 'react-aria-components';
import { useNavigate } from 'react-router';
import { Search } from '../../components/ui/icons';
import { useLogout } from '../../features/auth/api/logout';
import { listSessions } from '../../features/sessions/api/list-sessions';
import { sessionHref } from '../../features/sessions/lib/paths';
import { paletteScreens } from './palette-entries';

const SESSION_RESULTS = 8;

interface Entry {
  id: string;
  label: string;
  hint?: string;
  run: () => void;
}

const matches = (text: string, term: string) => text.toLowerCase().includes(term.toLowerCase());

/**
 * Issue 13: Ctrl+K. A modal dialog holding a search field and a listbox (React Aria Autocomplete:
 * the focus stays in the field, arrows move through the options, Enter runs one). Sessions come
 * from the server's search (client id, user name, IP, label); screens and actions from the app.
 */
export function CommandPalette({ isOpen, onOpenChange, onShowShortcuts }: { isOpen: boolean; onOpenChange: (open: boolean) => void; onShowShortcuts: () => void }) {
  return (
    <ModalOverlay isOpen={isOpen} onOpenChange={onOpenChange} isDismissable className="modal-overlay palette-overlay">
      <Modal className="modal modal-md palette">
        <Dialog className="dialog palette-dialog" aria-label="Command palette">
          <PaletteBody close={() => onOpenChange(false)} onShowShortcuts={onShowShortcuts} />
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

function PaletteBody({ close, onShowShortcuts }: { close: () => void; onShowShortcuts: () => void }) {
  const navigate = useNavigate();
  const logout = useLogout();
  const [text, setText] = useState('');
  const term = useDeferredValue(text.trim());
  const sessions = useQuery({
    queryKey: ['sessions', 'palette', term],
    queryFn: ({ signal }) => listSessions({ q: term, sort: 'clientName', dir: 'asc', page: '0', pageSize: String(SESSION_RESULTS) }, signal),
    enabled: term.length > 0,
    placeholderData: keepPreviousData,
  });
  const go = (to: string) => () => {
    close();
    void navigate(to);
  };

  const sessionEntries: Entry[] = term ? (sessions.data?.rows ?? []).map((row) => ({
    id: `session:${row.clientName}`,
    label: row.clientName || '(empty name)',
    hint: [row.username, row.ipaddress, row.connectionStatus].filter(Boolean).join(' · '),
    run: go(sessionHref(row.clientName)),
  })) : [];
  const screenEntries: Entry[] = paletteScreens.filter((s) => matches(s.label, term)).map((s) => ({ id: `screen:${s.to}`, label: s.label, hint: s.hint, run: go(s.to) }));
  const actions: Entry[] = [
    { id: 'action:unhealthy', label: 'Show unhealthy sessions', run: go('/sessions?health=unhealthy') },
    { id: 'action:connected', label: 'Show connected sessions', run: go('/sessions?connection=connected') },
    { id: 'action:banned', label: 'Show banned sessions', run: go('/sessions?status=banned') },
    { id: 'action:recent', label: 'Sort sessions by last connect', run: go('/sessions?sort=lastConnect&dir=desc') },
    {
      id: 'action:shortcuts', label: 'Keyboard shortcuts', hint: '?', run: () => {
        close();
        onShowShortcuts();
      },
    },
    {
      id: 'action:sign-out', label: 'Sign out', run: () => {
        close();
        logout.mutate(undefined, { onSuccess: () => void navigate('/login', { replace: true }) });
      },
    },
  ];
  const actionEntries = actions.filter((a) => matches(a.label, term));
  const groups = [
    { name: 'Sessions', entries: sessionEntries },
    { name: 'Screens', entries: screenEntries },
    { name: 'Actions', entries: actionEntries },
  ].filter((g) => g.entries.length > 0);
  const all = groups.flatMap((g) => g.entries);

  return (
    <>
      <Heading slot="title" className="sr-only">Command palette</Heading>
      <Autocomplete inputValue={text} onInputChange={setText}>
        <SearchField aria-label="Go to a session, screen or action" autoFocus className="palette-search">
          <Search />
          <Input placeholder="Go to a session, screen or action…" className="palette-input" />
        </SearchField>
        <ListBox
          aria-label="Results"
          className="palette-list"
          onAction={(id) => all.find((e) => e.id === id)?.run()}
          renderEmptyState={() => <p className="palette-empty">{sessions.isFetching ? 'Searching…' : 'Nothing matches'}</p>}
        >
          {groups.map((g) => (
            <ListBoxSection key={g.name} id={g.name} className="palette-section">
              <Header className="palette-header">{g.name}</Header>
              {g.entries.map((e) => (
                <ListBoxItem key={e.id} id={e.id} textValue={e.label} className="palette-item">
                  <span className="palette-label">{e.label}</span>
                  {e.hint && <span className="palette-hint">{e.hint}</span>}
                </ListBoxItem>
              ))}
            </ListBoxSection>
          ))}
        </ListBox>
      </Autocomplete>
    </>
  );
}
