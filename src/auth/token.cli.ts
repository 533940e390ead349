import { CliCommand, CliUsageError, requireFlag } from '../cli/cli-command';
import { isoUtc } from '../common/dates';
import { SCOPES } from './scopes';
import { TOKEN_DIALECTS, TokensService } from './tokens.service';

export const tokenCommands: CliCommand[] = [
  {
    name: 'token:create',
    usage: 'token:create --name whmcs --scopes accounts:write,packages:read [--expires 2027-12-31] [--can-sign [--signature-v2]] [--dialect opterius] [--server-id N]',
    needsApp: true,
    async run(args, app, out) {
      const name = requireFlag(args, 'name');
      const scopes = requireFlag(args, 'scopes')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
      if (unknown.length) throw new CliUsageError(`unknown scope ${unknown.join(', ')}; known: ${SCOPES.join(', ')}`);
      const expires = args.flags.expires ? new Date(args.flags.expires) : null;
      if (expires && (Number.isNaN(expires.getTime()) || expires <= new Date())) throw new CliUsageError('--expires must be a future date');
      const dialect = args.flags.dialect ?? null;
      if (dialect !== null && !(TOKEN_DIALECTS as readonly string[]).includes(dialect)) {
        throw new CliUsageError(`unknown dialect ${dialect}; known: ${TOKEN_DIALECTS.join(', ')}`);
      }
      const canSign = args.flags['can-sign'] === 'true';
      const requireSignatureV2 = args.flags['signature-v2'] === 'true';
      if (requireSignatureV2 && !canSign) throw new CliUsageError('--signature-v2 needs --can-sign');
      const serverFlag = args.flags['server-id'];
      const serverId = serverFlag === undefined ? null : Number(serverFlag);
      if (serverId !== null && (!Number.isSafeInteger(serverId) || serverId < 1)) throw new CliUsageError('--server-id must be a server id');
      const { token, secret } = await app!.get(TokensService).create({ name, scopes, expiresAt: expires, canSign, requireSignatureV2, dialect, serverId });
      const signing = token.requireSignatureV2 ? ', can sign (version 2 only)' : token.secretEnc ? ', can sign' : '';
      out(`Created token ${token.id} (${token.name}, ${token.scopes}${signing}${token.dialect ? `, dialect ${token.dialect}` : ''}). Shown once:`);
      out(secret);
    },
  },
  {
    name: 'token:list',
    usage: 'token:list',
    needsApp: true,
    async run(_args, app, out) {
      for (const t of await app!.get(TokensService).list()) {
        const state = t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt <= new Date() ? 'expired' : 'active';
        out(`${t.id}\t${t.prefix}…\t${t.name}\t${t.scopes}\t${state}\tlast used ${isoUtc(t.lastUsedAt) ?? 'never'}`);
      }
    },
  },
  {
    name: 'token:revoke',
    usage: 'token:revoke <id>',
    needsApp: true,
    async run(args, app, out) {
      const id = Number(args.positional[0]);
      if (!Number.isSafeInteger(id) || id < 1) throw new CliUsageError('give the token id: token:revoke <id>');
      const token = await app!.get(TokensService).revoke(id);
      out(`Revoked token ${token.id} (${token.name})`);
    },
  },
];
