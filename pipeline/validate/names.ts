/** The names SageMaker accepts for parameters and steps. */
export const NAME = /^[A-Za-z0-9_-]{1,64}$/;
