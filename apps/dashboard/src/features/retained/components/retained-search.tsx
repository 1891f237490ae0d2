import { topicFilterProblem } from '@mqdash/contracts';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { TextInputField } from '../../../components/ui/fields';
import { Search } from '../../../components/ui/icons';

/** The topic filter to search by (MQTT wildcards `+` and `#`), checked as the server checks it. */
export function RetainedSearch({ topicFilter, onSearch, isPending }: { topicFilter: string; onSearch: (filter: string) => void; isPending: boolean }) {
  const [text, setText] = useState(topicFilter);
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const filter = text.trim() || '#';
    const problem = topicFilterProblem(filter);
    if (problem) {
      setError(`The topic filter ${problem}`);
      return;
    }
    setError(undefined);
    onSearch(filter);
  };
  return (
    <Form onSubmit={submit} validationBehavior="aria" className="peek-row" aria-label="Search retained messages" role="search">
      <TextInputField
        label="Topic filter" value={text} onChange={setText} error={error} placeholder="sensors/+/temperature or plant/#" autoComplete="off" className="grow"
        description="MQTT wildcards: + one level, # the rest. # alone: every topic but $SYS ones."
      />
      <Button type="submit" variant="secondary" isPending={isPending} className="peek-submit"><Search /> Search</Button>
    </Form>
  );
}
