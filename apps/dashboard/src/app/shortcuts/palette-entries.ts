import { settingsSections } from '../routes/settings-sections';
import { goToScreens } from './keys';

/** The screens the palette offers: the main ones (with their `g` shortcut), then Settings' sub-pages. */
export const paletteScreens: ReadonlyArray<{ to: string; label: string; hint?: string }> = [
  ...goToScreens.map((s) => ({ to: s.to, label: s.label, hint: `g ${s.key}` })),
  ...settingsSections.map((s) => ({ to: `/settings/${s.path}`, label: `Settings: ${s.label}` })),
];
