import { savedViewBody, type SavedView } from '@mqdash/contracts';
import { useState, type FormEvent } from 'react';
import { Menu, MenuItem, MenuTrigger, Popover, Separator } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { FormDialog } from '../../../components/ui/dialog';
import { TextInputField } from '../../../components/ui/fields';
import { ChevronDown } from '../../../components/ui/icons';
import { errorMessage } from '../../../lib/api-client';
import { toast } from '../../../lib/toast';
import { useDeleteView, useSavedViews, useSaveView } from '../api/views';

export interface SavedViewsMenuProps {
  /** The sessions URL's query string now (filters, sort; the page is left out). */
  search: string;
  /** The hideable columns shown now. */
  columns: string[];
  onApply: (view: SavedView) => void;
}

const SAVE = '\u0000save';
const DELETE = '\u0000delete';

/**
 * Issue 13: the sessions screen's "Views" menu: the account's saved views (choosing one applies its
 * filters, sort and columns; the URL carries them as always), "Save current view…", and deleting
 * the view shown now.
 */
export function SavedViewsMenu({ search, columns, onApply }: SavedViewsMenuProps) {
  const views = useSavedViews();
  const del = useDeleteView();
  const [saving, setSaving] = useState(false);
  const list = views.data?.data ?? [];
  const active = list.find((v) => v.search === search && v.columns.join() === columns.join());

  return (
    <>
      <MenuTrigger>
        <Button size="sm">
          {active ? `View: ${active.name}` : 'Views'} <ChevronDown />
        </Button>
        <Popover className="popover" placement="bottom end">
          <Menu
            aria-label="Saved views"
            className="menu"
            onAction={(key) => {
              if (key === SAVE) setSaving(true);
              else if (key === DELETE && active) del.mutate(active.name, { onSuccess: () => toast.success('View deleted', active.name) });
              else {
                const view = list.find((v) => v.name === key);
                if (view) onApply(view);
              }
            }}
          >
            {list.map((v) => (
              <MenuItem key={v.name} id={v.name} className="menu-item" textValue={v.name}>
                {v.name}
              </MenuItem>
            ))}
            {list.length > 0 && <Separator className="menu-separator" />}
            <MenuItem id={SAVE} className="menu-item">Save current view…</MenuItem>
            {active && <MenuItem id={DELETE} className="menu-item">{`Delete view “${active.name}”`}</MenuItem>}
          </Menu>
        </Popover>
      </MenuTrigger>
      {saving && <SaveViewDialog search={search} columns={columns} onClose={() => setSaving(false)} />}
    </>
  );
}

function SaveViewDialog({ search, columns, onClose }: { search: string; columns: string[]; onClose: () => void }) {
  const save = useSaveView();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = savedViewBody.safeParse({ name: name.trim(), search, columns });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message);
      return;
    }
    save.mutate(parsed.data, {
      onSuccess: (view) => {
        toast.success('View saved', view.name);
        onClose();
      },
      onError: (err) => setError(errorMessage(err)),
    });
  };
  return (
    <FormDialog isOpen onClose={onClose} title="Save current view" submitLabel="Save view" onSubmit={submit} isPending={save.isPending}>
      <TextInputField
        label="Name"
        value={name}
        onChange={(v) => {
          setName(v);
          setError(undefined);
        }}
        error={error}
        description="The filters, sort and visible columns shown now; a view of the same name is replaced."
        isRequired
        autoFocus
      />
    </FormDialog>
  );
}
