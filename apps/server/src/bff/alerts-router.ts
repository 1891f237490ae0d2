import express from 'express';
import {
  alertStates, createAlertRuleParams,
  type AlertRule, type DeleteAlertRuleResult, type ListAlertRulesResult,
} from '@mqdash/contracts';
import { z } from 'zod';
import { act, parseWith, type BffDeps } from './context.ts';

const listQuery = z.object({
  /** `?state=firing` or `?state=firing,pending`. */
  state: z.string().max(100).optional().transform((s, ctx) => {
    if (s === undefined || s === '') return [];
    const states = s.split(',');
    const bad = states.find((x) => !(alertStates as readonly string[]).includes(x));
    if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of ${alertStates.join(', ')}; got "${bad}"` });
    return states as Array<(typeof alertStates)[number]>;
  }),
});
const anyObject = z.record(z.string(), z.unknown());

/** `/bff/alert-rules` (issue 13): the rules with their state (the banner asks `?state=firing`); add, change, delete. */
export function alertRulesRouter(deps: BffDeps): express.Router {
  const router = express.Router();
  router.get('/', async (req, res) => {
    const { state } = parseWith(listQuery, req.query, 'query');
    res.json(await act<ListAlertRulesResult>(deps, req, 'listAlertRules', { stateFilter: state }));
  });
  router.post('/', async (req, res) => {
    res.status(201).json(await act<AlertRule>(deps, req, 'createAlertRule', parseWith(createAlertRuleParams, req.body, 'body')));
  });
  router.patch('/:ruleId', async (req, res) => {
    // The action checks every property (a bad one is answered naming it); the id comes from the path.
    const body = parseWith(anyObject, req.body, 'body');
    res.json(await act<AlertRule>(deps, req, 'alterAlertRule', { ...body, ruleId: Number(req.params.ruleId) }));
  });
  router.delete('/:ruleId', async (req, res) => {
    res.json(await act<DeleteAlertRuleResult>(deps, req, 'deleteAlertRule', { ruleId: Number(req.params.ruleId) }));
  });
  return router;
}
