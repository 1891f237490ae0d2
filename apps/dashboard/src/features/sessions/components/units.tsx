import { exactBytes, exactSeconds, formatBytes, formatSecondsInWords } from '../../../lib/format';

/**
 * A rounded figure for people with the exact one on hover and for assistive tech (issue 13):
 * "256 MiB" for 268,435,455 bytes, "1 day" for 86,400 s. Equal figures get no tooltip.
 */
function Readable({ text, exact }: { text: string; exact: string }) {
  if (text === exact) return <>{text}</>;
  return (
    <span className="readable" title={exact}>
      {text}
      <span className="sr-only"> ({exact})</span>
    </span>
  );
}

export function Bytes({ value }: { value: number | undefined }) {
  if (value === undefined) return null;
  return <Readable text={formatBytes(value)} exact={exactBytes(value)} />;
}

export function Seconds({ value }: { value: number | undefined }) {
  if (value === undefined) return null;
  const text = formatSecondsInWords(value);
  return <Readable text={text} exact={text === 'Never' ? `${exactSeconds(value)} (never expires)` : exactSeconds(value)} />;
}
