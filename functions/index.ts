/** Every function of the app: the entry the deployment bundle is built from (`npm run build`). */
import { configureServices } from '../src/rollout/services';
import './control-rollout';
import './get-rollout';
import './list-rollouts';
import './dashboard';
import './dashboard-rollout';
import './rollout';
import './start-rollout';
import './status-timer';
import './teams-webhook';

// In Azure the app settings say where Graph, Teams and Application Insights are.
configureServices({ env: process.env });
