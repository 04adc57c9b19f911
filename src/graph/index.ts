/** The Microsoft Graph gateway: the only code that talks to Graph. */
export { createGraphGateway, CONFIG_PATH, DEFAULT_REPORTS_LIMIT } from './gateway';
export { graphOptionsFromEnv, DEFAULT_GRAPH_BASE_URL, GRAPH_SCOPE, type GraphEnvironmentOptions } from './config';
export {
  GraphCancelledError,
  GraphConfigError,
  GraphError,
  GraphInputError,
  GraphNotFoundError,
  GraphPermissionError,
  GraphPolicyRejectedError,
  GraphThrottledError,
  GraphTimeoutError,
  WriteVerificationError,
  type GraphErrorJson,
} from './errors';
export { SIGN_IN_PAGE_SIZE, estimateSignInRead, type SignInReadEstimate, type SignInReadMode } from './sign-ins';
export {
  InProcessReportsBudget,
  ReportsBudgetExceededError,
  sharedReportsBudget,
  type ReportsBudget,
  type ReportsBudgetKey,
} from './limiter';
export type * from './types';
