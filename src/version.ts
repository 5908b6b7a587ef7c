/** The tool version recorded in every manifest and cache key. Bump with package.json. */
export const VERSION = "0.1.0";
