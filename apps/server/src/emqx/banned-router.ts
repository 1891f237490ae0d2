import express from 'express';
import type { Broker } from '@mqdash/broker';
import {
  banTypeOfEmqx, emqxAsOfBanType, emqxBanAs, emqxBanBody, emqxBannedQuery, ErrorCode,
  type BanInfo, type BanType, type CreateBanResult, type EmqxBan, type EmqxBannedPage, type ListBansResult,
} from '@mqdash/contracts';
import { rfc3339 } from './client-format.ts';
import { act } from './act.ts';
import { EmqxHttpError, parseWith } from './errors.ts';

const emqxBan = (b: BanInfo): EmqxBan => ({
  as: emqxAsOfBanType[b.banType], who: b.value, by: b.createdBy ?? '', reason: b.reason,
  at: rfc3339(Date.parse(b.createdDateTime)),
  until: b.expiresDateTime ? rfc3339(Date.parse(b.expiresDateTime)) : 'infinity',
});

/** An EMQX time (Unix seconds or RFC 3339) as ISO 8601 for the action. */
const isoOf = (t: number | string): string => new Date(typeof t === 'number' ? t * 1000 : t).toISOString();

/**
 * `/api/v5/banned` (EMQX 5): `GET` (paged; `clientid`, `username`, `peerhost` narrow it to one
 * entry), `POST` (EMQX's body: `as`, `who`, `reason`, `until`; `by` and `at` are recorded by
 * mqdash as the API key and now), `DELETE /{as}/{who}`. Each runs the ban list's JSON actions as
 * the API key, so roles and the audit log apply as everywhere.
 */
export function bannedRouter(broker: Broker): express.Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const q = parseWith(emqxBannedQuery, req.query, 'query');
    const page = q.page ?? 1;
    const limit = q.limit ?? 100;
    const exact: { banType: BanType; value: string } | undefined =
      q.clientid !== undefined ? { banType: 'clientName', value: q.clientid }
        : q.username !== undefined ? { banType: 'username', value: q.username }
          : q.peerhost !== undefined ? { banType: 'ipAddress', value: q.peerhost } : undefined;
    // listBans pages by at most 1000; EMQX allows a larger limit: read it in slices.
    const data: BanInfo[] = [];
    let total = 0;
    for (let skip = (page - 1) * limit; data.length < limit;) {
      const r = await act<ListBansResult>(broker, req, res, 'listBans', { ...exact, skipRecords: skip, maxRecords: Math.min(1000, limit - data.length) });
      data.push(...r.data);
      total = r.totalCount;
      skip += r.data.length;
      if (r.data.length === 0 || skip >= total) break;
    }
    const body: EmqxBannedPage = { data: data.map(emqxBan), meta: { page, limit, count: total, hasnext: (page - 1) * limit + data.length < total } };
    res.json(body);
  });

  router.post('/', async (req, res) => {
    const b = parseWith(emqxBanBody, req.body, 'body');
    const r = await act<CreateBanResult>(broker, req, res, 'createBan', {
      banType: banTypeOfEmqx[b.as], value: b.who, reason: b.reason ?? '',
      ...(b.until !== undefined && b.until !== 'infinity' && { expiresDateTime: isoOf(b.until) }),
    }, { [ErrorCode.nameInUse]: (m) => new EmqxHttpError(400, 'ALREADY_EXISTS', m) });
    res.json(emqxBan(r));
  });

  router.delete('/:as/:who', async (req, res) => {
    const { as, who } = req.params as { as: string; who: string };
    if (!(emqxBanAs as readonly string[]).includes(as))
      throw new EmqxHttpError(400, 'BAD_REQUEST', `as: must be one of ${emqxBanAs.join(', ')}, got ${JSON.stringify(as)}`);
    await act(broker, req, res, 'deleteBan', { banType: banTypeOfEmqx[as as keyof typeof banTypeOfEmqx], value: who }, {
      [ErrorCode.unknownBan]: (m) => new EmqxHttpError(404, 'NOT_FOUND', m),
    });
    res.status(204).end();
  });

  return router;
}
