import { Placeholder } from '../../components/Placeholder';

export default function PeopleView() {
  return <Placeholder title="people.title" body="people.body" />;
}
