// Bounds shared by the collection side (which files to capture) and the analysis side (which
// files to parse), so the two never disagree about what a config reaches.

/**
 * How many include levels below the main config are followed. nginx itself has no limit (it
 * recurses until it runs out of file descriptors or stack); 32 is far beyond any real tree.
 * The collectors follow this many rounds of include lines, the parsers this many levels, so
 * a file the parser wants was always captured.
 */
export const MAX_INCLUDE_DEPTH = 32
