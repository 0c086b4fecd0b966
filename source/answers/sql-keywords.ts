// PostgreSQL 15's reserved keywords (kwlist.h, RESERVED_KEYWORD) and the
// type/function-name keywords: neither can be a bare database or role name, and
// pgha writes both names unquoted into SQL, pgbouncer.ini and pg_hba.
const reserved = [
	'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check',
	'collate', 'column', 'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time',
	'current_timestamp', 'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except',
	'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in', 'initially', 'intersect', 'into',
	'lateral', 'leading', 'limit', 'localtime', 'localtimestamp', 'not', 'null', 'offset', 'on', 'only', 'or', 'order',
	'placing', 'primary', 'references', 'returning', 'select', 'session_user', 'some', 'symmetric', 'table', 'then',
	'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'when', 'where', 'window', 'with',
];
const typeFuncName = [
	'authorization', 'binary', 'collation', 'concurrently', 'cross', 'current_schema', 'freeze', 'full', 'ilike',
	'inner', 'is', 'isnull', 'join', 'left', 'like', 'natural', 'notnull', 'outer', 'overlaps', 'right', 'similar',
	'tablesample', 'verbose',
];

/** SQL keywords PostgreSQL refuses as a bare (unquoted) database or role name. */
export const sqlReservedWords: ReadonlySet<string> = new Set([...reserved, ...typeFuncName]);

// CREATE ROLE refuses these even quoted: they name every role and no role.
/** Role names PostgreSQL keeps for itself. */
export const reservedRoleNames: ReadonlySet<string> = new Set(['public', 'none']);
