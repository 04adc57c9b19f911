/** Every function of the app: the entry the deployment bundle is built from (`npm run build`). */
import './api';
import './dashboard';
import './rollout';
import './status-timer';
import './teams-webhook';
