/** A location in a settings object or a config file: keys and array indexes. */
export type SettingsPath = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Formats a path the way it reads in a config file: `services.payments.dependsOn[0]`. Keys that
 * are not plain words (host names such as `api.example.com`) are quoted in brackets:
 * `services["api.example.com"].timeout`. The empty path is `(root)`.
 */
export function formatPath(path: SettingsPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(root)' : out;
}
