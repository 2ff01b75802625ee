// The NHS.UK frontend's components (header menu, error summary focus, radios' conditional
// questions, and the rest), started on every page. Every page works without this script.
import { initAll } from '../nhsuk-frontend.min.js';

initAll();
