// The NHS.UK frontend's components (header menu, error summary focus, radios' conditional
// questions, and the rest), started on every page. Every page works without this script.
import { initAll } from '../nhsuk-frontend.min.js';

initAll();

// "Add another item" on a page of repeated items (recording input): with JavaScript the new
// item is added in place, a copy of the last one emptied and numbered on; without it, the
// button asks the server for the page with one more.
const addItem = document.querySelector('[data-add-item]');
if (addItem) {
  addItem.addEventListener('click', (event) => {
    const items = document.querySelectorAll('[data-item]');
    const last = items[items.length - 1];
    const number = items.length + 1;
    const copy = last.cloneNode(true);
    const from = `item${number - 1}-`;
    const to = `item${number}-`;
    for (const element of copy.querySelectorAll('*')) {
      for (const name of ['id', 'name', 'for', 'aria-describedby', 'aria-controls', 'href']) {
        const value = element.getAttribute(name);
        if (value && value.includes(from)) {
          element.setAttribute(name, value.split(from).join(to));
        }
      }
      element.classList.remove('nhsuk-form-group--error', 'nhsuk-input--error', 'nhsuk-textarea--error');
      if (element.matches('.nhsuk-error-message')) {
        element.remove();
      } else if (element.matches('input[type=radio], input[type=checkbox]')) {
        element.checked = false;
      } else if (element.matches('input, textarea')) {
        element.value = '';
      }
    }
    copy.querySelector('[data-item-heading]').textContent = `Item ${number}`;
    last.after(copy);
    document.querySelector('[data-item-count]').value = String(number);
    copy.querySelector('textarea').focus();
    event.preventDefault();
  });
}
