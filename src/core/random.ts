// Random names mcpq makes up: job ids, temp file names, a daemon's tag. They must not
// collide, and need not be secret, so Math.random does: V8 seeds it in each process
// from the system's entropy. node:crypto would add about 7 ms of CPU to the start of
// every short command (mcpq submit), for bytes nobody needs to be unguessable.

// `length` characters drawn from `alphabet`.
export function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

const HEX = '0123456789abcdef';

export function randomHex(length: number): string {
  return randomString(HEX, length);
}
