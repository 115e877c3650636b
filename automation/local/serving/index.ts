export { localServing, type LocalServingOptions } from "./localServing";
