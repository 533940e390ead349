/** The Opterius verb routes: `POST /api/v1/test` and `POST /api/v1/accounts/<verb>`. */
export const OPTERIUS_VERBS = ['create', 'suspend', 'unsuspend', 'terminate', 'password', 'package', 'usage'] as const;

const VERB_PATH = new RegExp(`^/api/v1/accounts/(?:${OPTERIUS_VERBS.join('|')})/?$`);

export const isOpteriusPath = (path: string): boolean => path === '/api/v1/test' || path === '/api/v1/test/' || VERB_PATH.test(path);

/** The path Opterius shares with the native API; a token made with `dialect: "opterius"` gets Opterius' shape there. */
export const OPTERIUS_SHARED_PACKAGES_PATH = '/api/v1/packages';
