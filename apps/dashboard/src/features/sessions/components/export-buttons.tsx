import { Button } from '../../../components/ui/button';
import { Download } from '../../../components/ui/icons';
import { useExportSessions } from '../api/export-sessions';

/** Every session matching the filter, as CSV or JSON (the server builds the file). */
export function ExportButtons({ filter }: { filter: Record<string, string> }) {
  const exporter = useExportSessions();
  const pendingFormat = exporter.isPending ? exporter.variables?.format : undefined;
  return (
    <div className="button-group">
      <Button size="sm" onPress={() => exporter.mutate({ format: 'csv', filter })} isPending={pendingFormat === 'csv'}>
        <Download /> Export CSV
      </Button>
      <Button size="sm" onPress={() => exporter.mutate({ format: 'json', filter })} isPending={pendingFormat === 'json'}>
        <Download /> Export JSON
      </Button>
    </div>
  );
}
