// fixnet's version, written into every file it produces (a test keeps it equal to package.json).
export const FIXNET_VERSION = "0.1.0";
