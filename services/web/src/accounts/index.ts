export { NewAccount, NewPassword, PersonName, Role, Username, type Account } from './account';
export { createAccountStore, type AccountStore, type SignInCheck } from './account-store';
export {
  createPasswordHasher,
  type PasswordHashCost,
  type PasswordHasher,
} from './password-hasher';
export { createFirstAdmin, type FirstAdmin } from './first-admin';
export { demoStaff, seedDemoAccounts } from './demo-accounts';
