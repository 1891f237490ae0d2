import { Button } from '../../../components/ui/button';
import { formatCount } from '../../../lib/format';
import type { PausablePage } from '../lib/paused-page';

/** Issue 13: "Pause live updates" / "Resume live updates", and "N changes — Apply" while paused. */
export function LiveControl({ control }: { control: PausablePage }) {
  return (
    <div className="live-control">
      <Button size="sm" variant={control.paused ? 'primary' : 'secondary'} onPress={control.paused ? control.resume : control.pause}>
        {control.paused ? 'Resume live updates' : 'Pause live updates'}
      </Button>
      <span role="status" className="live-control-status">
        {control.paused && (control.pending > 0 ? '' : 'Paused: no changes yet')}
      </span>
      {control.paused && control.pending > 0 && (
        <Button size="sm" variant="secondary" onPress={control.apply} className="live-control-apply">
          {formatCount(control.pending)} {control.pending === 1 ? 'change' : 'changes'} — Apply
        </Button>
      )}
    </div>
  );
}
