/**
 * The stable error-code table of the JSON action API (DESIGN §4).
 * 0 and 12031 follow FairCom; the 14xxx range is mqdash's own and never renumbered.
 */
export const ErrorCode = {
  success: 0,
  invalidAuthToken: 12031,
  malformedJson: 14000,
  missingProperty: 14001,
  wrongType: 14002,
  outOfLimits: 14003,
  mutuallyExclusive: 14004,
  unknownAction: 14005,
  unknownSession: 14006,
  nameInUse: 14007,
  sessionBanned: 14008,
  notPermitted: 14009,
  requestTooLarge: 14010,
  loginFailed: 14011,
  unknownLabel: 14012,
  unknownApiKey: 14013,
  unknownMqttUser: 14014,
  unknownProperty: 14015,
  notSupported: 14016,
  notice: 14017,
  tooManyAttempts: 14030,
  unknownAccount: 14031,
  lastAdministrator: 14032,
  unknownAuditEntry: 14033,
  undoRefused: 14034,
  unknownBan: 14035,
  unknownTopicPermission: 14036,
  internal: 14099,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;
export type ErrorCodeValue = (typeof ErrorCode)[ErrorCodeName];

/** One line per code, used by README and docs/api.md. */
export const errorCodeTable: ReadonlyArray<{ code: ErrorCodeValue; name: ErrorCodeName; meaning: string }> = [
  { code: 0, name: 'success', meaning: 'The action succeeded.' },
  { code: 12031, name: 'invalidAuthToken', meaning: 'authToken is missing, unknown or expired (FairCom code).' },
  { code: 14000, name: 'malformedJson', meaning: 'The request body is not JSON, or not a JSON object.' },
  { code: 14001, name: 'missingProperty', meaning: 'A required property is missing.' },
  { code: 14002, name: 'wrongType', meaning: 'A property has the wrong JSON type.' },
  { code: 14003, name: 'outOfLimits', meaning: 'A value is outside its documented limits or not one of its allowed values.' },
  { code: 14004, name: 'mutuallyExclusive', meaning: 'Two properties that exclude each other were both given.' },
  { code: 14005, name: 'unknownAction', meaning: 'The action name is not one this server offers.' },
  { code: 14006, name: 'unknownSession', meaning: 'No session has the given clientName.' },
  { code: 14007, name: 'nameInUse', meaning: 'The name already belongs to a session (clientName), an API key, an MQTT client account or an administrator account.' },
  { code: 14008, name: 'sessionBanned', meaning: 'The session is banned and cannot be used by its client.' },
  { code: 14009, name: 'notPermitted', meaning: 'The caller may not do this: its role does not allow it (viewer < operator < administrator), or it is an API key managing keys or accounts.' },
  { code: 14010, name: 'requestTooLarge', meaning: 'The request body exceeds the size limit.' },
  { code: 14011, name: 'loginFailed', meaning: 'Unknown username or wrong password.' },
  { code: 14012, name: 'unknownLabel', meaning: 'No label has the given labelId.' },
  { code: 14013, name: 'unknownApiKey', meaning: 'No API key has the given name.' },
  { code: 14014, name: 'unknownMqttUser', meaning: 'No MQTT client account has the given username.' },
  { code: 14015, name: 'unknownProperty', meaning: 'A property the action does not know: ignored with a warning, or refused when it differs from a known one only in letter case (ignoring it would change the request).' },
  { code: 14016, name: 'notSupported', meaning: 'A form FairCom documents that this server does not offer (e.g. integration tables); the message names the alternative.' },
  { code: 14017, name: 'notice', meaning: 'Used in debugInfo.warnings only: the action succeeded; the message says what to know (e.g. a setting applies at the next connection).' },
  { code: 14030, name: 'tooManyAttempts', meaning: 'Too many failed sign-ins from this address; errorData.retryAfterSeconds says when to try again (HTTP 429).' },
  { code: 14031, name: 'unknownAccount', meaning: 'No administrator account has the given username.' },
  { code: 14032, name: 'lastAdministrator', meaning: 'The change would leave no account with the administrator role.' },
  { code: 14033, name: 'unknownAuditEntry', meaning: 'No audit log entry has the given auditId.' },
  { code: 14034, name: 'undoRefused', meaning: 'The audited change cannot be undone: not an undoable session change, failed, already undone, older than the undo window, or the session changed since; the message says which.' },
  { code: 14035, name: 'unknownBan', meaning: 'No ban of the given banType has the given value.' },
  { code: 14036, name: 'unknownTopicPermission', meaning: 'No topic permission has the given permissionId.' },
  { code: 14099, name: 'internal', meaning: 'An unexpected server error; nothing was changed.' },
];
