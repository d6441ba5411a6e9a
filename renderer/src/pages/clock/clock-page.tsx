// Clock: filled by its own room; until then the page says what it will hold.
import { UpcomingPage } from '../../components/upcoming-page';

export function ClockPage() {
  return <UpcomingPage title="nav.clock" description="page.clock.upcoming" />;
}
