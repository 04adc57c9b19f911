/** The Microsoft Graph gateway: the only code that talks to Graph. */
export { createGraphGateway, CONFIG_PATH, DEFAULT_REPORTS_LIMIT } from './gateway';
export { graphOptionsFromEnv, DEFAULT_GRAPH_BASE_URL, GRAPH_SCOPE, type GraphEnvironmentOptions } from './config';
export {
  GraphConfigError,
  GraphError,
  GraphInputError,
  GraphNotFoundError,
  GraphPermissionError,
  GraphPolicyRejectedError,
  GraphThrottledError,
  WriteVerificationError,
  type GraphErrorJson,
} from './errors';
export { MFA_FAILURE_CODES } from './sign-ins';
export type * from './types';
