import express, { type NextFunction, type Request, type Response } from 'express';
import { roleAllows, type Role } from '@mqdash/contracts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The role each route needs: one table per API, beside its routers (issue 12). */
export type RouteRoles = ReadonlyArray<readonly [method: Method, path: string, role: Role]>;

const strictest = (a: Role | undefined, b: Role): Role => (a === undefined || roleAllows(b, a) ? b : a);

/**
 * Checks the role a request needs before any route runs. Express matches the table's paths as the
 * routers do (same patterns); a request no row matches needs `administrator`, so a route added
 * without a row is closed until someone decides otherwise. `roleOf` gives the caller's role;
 * `deny` builds the API's own 403.
 */
export function roleGate(table: RouteRoles, roleOf: (req: Request, res: Response) => Role | undefined, deny: (need: Role, have: Role | undefined) => Error): express.Router {
  const gate = express.Router();
  for (const [method, path, role] of table) {
    gate[method.toLowerCase() as Lowercase<Method>](path, (_req: Request, res: Response, next: NextFunction) => {
      res.locals.requiredRole = strictest(res.locals.requiredRole as Role | undefined, role);
      next();
    });
  }
  gate.use((req: Request, res: Response, next: NextFunction) => {
    const need = (res.locals.requiredRole as Role | undefined) ?? 'administrator';
    const have = roleOf(req, res);
    next(roleAllows(have, need) ? undefined : deny(need, have));
  });
  return gate;
}
