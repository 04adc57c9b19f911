import { installFunctionsCore } from '../src/local/functions-host/install';

/**
 * `node -r dist/bench/preload.js`: answers @azure/functions-core with the local core, as the Functions worker does,
 * so that a bundle required in a bare Node process registers its functions instead of running in test mode.
 */
installFunctionsCore();
