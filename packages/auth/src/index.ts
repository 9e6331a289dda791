export { type ApiKeyVerifier, createApiKeyVerifier, issueApiKey } from './api-keys.ts';
export {
  authorize,
  type Identity,
  mintToken,
  type Role,
  TOKEN_ALGORITHM,
  type TokenSettings,
  verifyBearer,
} from './tokens.ts';
