/** Formats AWS and SageMaker define once, for every check that needs them. */

/** An ISO-8601 duration such as `P30D`, `PT12H` or `P1DT6H` (SageMaker's CacheConfig.ExpireAfter). */
export const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/** The characters of AWS tag keys and values, and of SageMaker customer metadata: letters, digits, spaces and `_.:/=+-@`. */
export const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** One character outside that set (global, for replacing). */
export const NOT_A_TAG_CHARACTER = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;

/** A SageMaker ML instance type such as `ml.m5.large` (the shape every training, processing and serving type has). */
export const INSTANCE_TYPE = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;

/** Graviton families (c6g, m7g, r8gd, ...): the XGBoost 1.7-1 image is x86-only. */
export const GRAVITON_INSTANCE_TYPE = /^ml\.[a-z]+\d+g[a-z]*\./;

/** An x86 SageMaker instance type, the only kind the XGBoost 1.7-1 image runs on. */
export const isXgboostInstanceType = (value: string): boolean => INSTANCE_TYPE.test(value) && !GRAVITON_INSTANCE_TYPE.test(value);

/** What an instance type setting or parameter accepts, for messages. */
export const XGBOOST_INSTANCE_TYPE_ALLOWED = 'a SageMaker x86 instance type such as "ml.m5.large" (Graviton types like ml.m6g.* have no XGBoost 1.7-1 image)';
