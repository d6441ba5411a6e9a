// Reports: filled by its own room; until then the page says what it will hold.
import { UpcomingPage } from '../../components/upcoming-page';

export function ReportsPage() {
  return <UpcomingPage title="nav.reports" description="page.reports.upcoming" />;
}
