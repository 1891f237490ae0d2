/** A session's label by its natural key (FairCom: group + name). */
export type LabelRef = { group: string; name: string };

const SEPARATOR = ' / ';

/** "energy / meters", or the name alone in the empty group: how the label picker shows a label. */
export const textOf = (l: LabelRef): string => (l.group ? `${l.group}${SEPARATOR}${l.name}` : l.name);

/** "energy / meters" → group energy, name meters; text without " / " is a name in the empty group. */
export function parseLabelText(text: string): LabelRef {
  const at = text.indexOf(SEPARATOR);
  return at < 0 ? { group: '', name: text.trim() } : { group: text.slice(0, at).trim(), name: text.slice(at + SEPARATOR.length).trim() };
}
