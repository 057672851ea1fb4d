declare const holder: { browser: unknown };
export = holder;
