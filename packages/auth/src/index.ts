export { type ApiKeyVerifier, createApiKeyVerifier, issueApiKey } from './api-keys.ts';
export {
  authorize,
  type Identity,
  mintToken,
  type Role,
  TOKEN_ALGORITHM,
  TOKEN_CLOCK_TOLERANCE_SECONDS,
  type TokenSettings,
  verifyBearer,
} from './tokens.ts';
