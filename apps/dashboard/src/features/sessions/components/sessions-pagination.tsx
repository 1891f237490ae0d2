import { Button } from '../../../components/ui/button';
import { SelectField } from '../../../components/ui/fields';
import { ChevronLeft, ChevronRight, ChevronsLeft, ChevronsRight } from '../../../components/ui/icons';
import { formatCount, plural } from '../../../lib/format';
import { pageCount, pageSizes } from '../lib/list-state';

const sizeOptions = pageSizes.map((n) => ({ id: String(n), label: String(n) }));

export interface SessionsPaginationProps {
  total: number;
  page: number;
  pageSize: number;
  onPageChange: (page: number) => void;
  onPageSizeChange: (pageSize: number) => void;
}

/** Server-side paging: page size, "page X of Y", the total, and first/previous/next/last. */
export function SessionsPagination({ total, page, pageSize, onPageChange, onPageSizeChange }: SessionsPaginationProps) {
  const pages = pageCount(total, pageSize);
  const first = total === 0 ? 0 : page * pageSize + 1;
  const last = Math.min(total, (page + 1) * pageSize);
  return (
    <nav className="pagination" aria-label="Pagination">
      <p className="pagination-total" aria-live="polite">
        {total === 0 ? 'No sessions' : `${formatCount(first)}–${formatCount(last)} of ${plural(total, 'session')}`}
      </p>
      <SelectField label="Rows per page" options={sizeOptions} value={String(pageSize)} onChange={(v) => onPageSizeChange(Number(v))} className="page-size inline-field" />
      <div className="pagination-pages">
        <Button variant="ghost" size="sm" className="btn-icon" aria-label="First page" isDisabled={page === 0} onPress={() => onPageChange(0)}>
          <ChevronsLeft />
        </Button>
        <Button variant="ghost" size="sm" className="btn-icon" aria-label="Previous page" isDisabled={page === 0} onPress={() => onPageChange(page - 1)}>
          <ChevronLeft />
        </Button>
        <span className="pagination-page">
          Page {formatCount(Math.min(page + 1, pages))} of {formatCount(pages)}
        </span>
        <Button variant="ghost" size="sm" className="btn-icon" aria-label="Next page" isDisabled={page + 1 >= pages} onPress={() => onPageChange(page + 1)}>
          <ChevronRight />
        </Button>
        <Button variant="ghost" size="sm" className="btn-icon" aria-label="Last page" isDisabled={page + 1 >= pages} onPress={() => onPageChange(pages - 1)}>
          <ChevronsRight />
        </Button>
      </div>
    </nav>
  );
}
