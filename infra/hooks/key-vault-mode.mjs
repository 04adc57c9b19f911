// azd preprovision hook: chooses how infra/app/keyvault.bicep creates the vault.
//
// Key Vault names are global, and `azd down` without --purge leaves the vault soft-deleted for 7 days under the same
// name, so a plain create in the next `azd up` of the same environment fails ("already exists in deleted state").
// This hook looks for that soft-deleted vault (by its azd-env-name tag and region) and sets
// AZURE_KEY_VAULT_CREATE_MODE=recover, which brings it back with its secrets; otherwise it sets "default".
import { execFileSync } from 'node:child_process';
import { call, tokenFor } from './azure.mjs';

const { AZURE_SUBSCRIPTION_ID: subscription, AZURE_ENV_NAME: environment, AZURE_LOCATION: location } = process.env;

async function main() {
  if (!subscription || !environment) {
    // Nothing can have been deleted before the environment has a subscription: a plain create is right.
    console.log('AZURE_SUBSCRIPTION_ID or AZURE_ENV_NAME is not set yet; the Key Vault is created normally.');
    return 0;
  }
  const token = tokenFor('https://management.azure.com');
  const url = `https://management.azure.com/subscriptions/${subscription}/providers/Microsoft.KeyVault/deletedVaults?api-version=2023-07-01`;
  const deleted = await call('GET', url, token);
  if (deleted.status !== 200) throw new Error(`listing soft-deleted vaults answered ${deleted.status}: ${deleted.json?.error?.message ?? ''}`);
  const ours = deleted.json.value.find(
    (vault) =>
      vault.name.startsWith('kv-rollout-') &&
      vault.properties?.tags?.['azd-env-name'] === environment &&
      (!location || vault.properties?.location?.toLowerCase() === location.toLowerCase()),
  );
  const mode = ours ? 'recover' : 'default';
  if (ours) console.log(`Key Vault ${ours.name} of this environment is soft-deleted (purge scheduled ${ours.properties.scheduledPurgeDate}); it will be recovered with its secrets.`);
  execFileSync('azd', ['env', 'set', 'AZURE_KEY_VAULT_CREATE_MODE', mode], { stdio: 'inherit', shell: process.platform === 'win32' });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`checking for a soft-deleted Key Vault failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
