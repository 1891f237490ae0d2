/** A handful of 16px stroke icons; decorative (aria-hidden), the control names itself. */
import type { ReactNode, SVGProps } from 'react';

function Icon({ children, ...props }: SVGProps<SVGSVGElement> & { children: ReactNode }) {
  return (
    <svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" className="icon" {...props}>
      {children}
    </svg>
  );
}

export const ChevronDown = () => <Icon><path d="m4 6 4 4 4-4" /></Icon>;
export const ChevronLeft = () => <Icon><path d="m10 4-4 4 4 4" /></Icon>;
export const ChevronRight = () => <Icon><path d="m6 4 4 4-4 4" /></Icon>;
export const ChevronsLeft = () => <Icon><path d="m8 4-4 4 4 4M12 4 8 8l4 4" /></Icon>;
export const ChevronsRight = () => <Icon><path d="m4 4 4 4-4 4M8 4l4 4-4 4" /></Icon>;
export const Check = () => <Icon><path d="m3.5 8.5 3 3 6-7" /></Icon>;
export const Minus = () => <Icon><path d="M4 8h8" /></Icon>;
export const Close = () => <Icon><path d="m4 4 8 8M12 4l-8 8" /></Icon>;
export const Search = () => <Icon><circle cx="7" cy="7" r="4.5" /><path d="m10.5 10.5 3 3" /></Icon>;
export const SortAsc = () => <Icon><path d="M8 13V3M4.5 6.5 8 3l3.5 3.5" /></Icon>;
export const SortDesc = () => <Icon><path d="M8 3v10M4.5 9.5 8 13l3.5-3.5" /></Icon>;
export const SortNone = () => <Icon><path d="M5 6l3-3 3 3M5 10l3 3 3-3" /></Icon>;
export const Columns = () => <Icon><rect x="2.5" y="3" width="11" height="10" rx="1.5" /><path d="M6.2 3v10M9.8 3v10" /></Icon>;
export const Download = () => <Icon><path d="M8 2.5v8M4.5 7 8 10.5 11.5 7M3 13.5h10" /></Icon>;
export const Plus = () => <Icon><path d="M8 3v10M3 8h10" /></Icon>;
export const Sun = () => <Icon><circle cx="8" cy="8" r="3" /><path d="M8 1.5v1.5M8 13v1.5M1.5 8H3M13 8h1.5M3.4 3.4l1 1M11.6 11.6l1 1M3.4 12.6l1-1M11.6 4.4l1-1" /></Icon>;
export const Moon = () => <Icon><path d="M13 9.5A5.5 5.5 0 0 1 6.5 3a5.5 5.5 0 1 0 6.5 6.5Z" /></Icon>;
export const Monitor = () => <Icon><rect x="2" y="2.5" width="12" height="8.5" rx="1.5" /><path d="M5.5 14h5M8 11v3" /></Icon>;
export const Info = () => <Icon><circle cx="8" cy="8" r="6" /><path d="M8 7.2V11M8 5h.01" /></Icon>;
export const Alert = () => <Icon><path d="M8 2 14.5 13.5h-13Z" /><path d="M8 6.5v3M8 11.5h.01" /></Icon>;
export const Refresh = () => <Icon><path d="M13 3.5v3h-3M3 12.5v-3h3" /><path d="M12.6 6.5A5 5 0 0 0 3.8 5M3.4 9.5a5 5 0 0 0 8.8 1.5" /></Icon>;
export const ArrowLeft = () => <Icon><path d="M13 8H3M7 4 3 8l4 4" /></Icon>;
export const Trash = () => <Icon><path d="M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4" /></Icon>;
export const Pencil = () => <Icon><path d="M10.5 2.5 13.5 5.5 5.5 13.5H2.5v-3Z" /></Icon>;
export const User = () => <Icon><circle cx="8" cy="5.5" r="2.8" /><path d="M2.5 14c.8-2.8 3-4 5.5-4s4.7 1.2 5.5 4" /></Icon>;
export const Menu = () => <Icon><path d="M2.5 4h11M2.5 8h11M2.5 12h11" /></Icon>;
