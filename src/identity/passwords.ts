// Passwords: argon2id (the @node-rs/argon2 defaults: m=19 MiB, t=2, p=1, as OWASP recommends), and a
// policy that asks for length rather than symbols, and refuses the most common choices.
import { hash, verify } from "@node-rs/argon2";

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

// The most used passwords and local favourites; a longer list belongs in a file when it matters.
const COMMON = new Set([
  "1234567890",
  "12345678910",
  "0123456789",
  "1111111111",
  "qwertyuiop",
  "password123",
  "password1234",
  "passwordpassword",
  "iloveyou123",
  "prishtina123",
  "prishtine123",
  "kosova12345",
  "kosovo12345",
  "fjalekalimi",
  "fjalëkalimi",
  "ekomuna2026",
  "e-komuna2026",
  "lozinka1234",
  "sifra12345",
  "abcdefghij",
  "qwerty123456",
  "1q2w3e4r5t",
]);

export type PasswordProblem = "too_short" | "too_long" | "too_common" | "same_as_email";

/** Why a new password is not acceptable, or undefined when it is. */
export function passwordProblem(password: string, email?: string): PasswordProblem | undefined {
  if (password.length < PASSWORD_MIN) return "too_short";
  if (password.length > PASSWORD_MAX) return "too_long";
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) return "too_common";
  if (email && (lower === email.toLowerCase() || lower === email.toLowerCase().split("@")[0]))
    return "same_as_email";
  return undefined;
}

export const hashPassword = (password: string) => hash(password);

/** Constant work whether or not the account exists: verify against a dummy hash when there is none. */
let dummy: Promise<string> | undefined;
export async function verifyPassword(
  passwordHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!passwordHash) {
    dummy ??= hash("no-such-account-dummy-password");
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
