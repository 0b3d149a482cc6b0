/** Global setup of the browser tests: the dashboard is built from the sources as they are now (dashboard/dist/). */
import { buildDashboard } from '../scripts/build-dashboard.js';

export default async function setup(): Promise<void> {
  await buildDashboard();
}
