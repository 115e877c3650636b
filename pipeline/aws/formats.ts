/** Formats AWS and SageMaker define once, for every check that needs them. */

/** An ISO-8601 duration such as `P30D`, `PT12H` or `P1DT6H` (SageMaker's CacheConfig.ExpireAfter). */
export const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/** The characters of AWS tag keys and values, and of SageMaker customer metadata: letters, digits, spaces and `_.:/=+-@`. */
export const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** One character outside that set (global, for replacing). */
export const NOT_A_TAG_CHARACTER = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;
