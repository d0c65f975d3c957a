// One place to read the time, so rules that depend on it take `now` as an argument.
export const now = (): Date => new Date();
