// Accounts: filled by its own room; until then the page says what it will hold.
import { UpcomingPage } from '../../components/upcoming-page';

export function AccountsPage() {
  return <UpcomingPage title="nav.accounts" description="page.accounts.upcoming" />;
}
