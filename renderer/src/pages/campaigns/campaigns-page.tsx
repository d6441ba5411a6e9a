// Campaigns: filled by its own room; until then the page says what it will hold.
import { UpcomingPage } from '../../components/upcoming-page';

export function CampaignsPage() {
  return <UpcomingPage title="nav.campaigns" description="page.campaigns.upcoming" />;
}
