// Certification pages: "select all" boxes in the review queue, the print button of the certificate.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-select-all]").forEach((box) => {
    box.addEventListener("change", () => {
      // Not the rows that cannot be approved: their boxes are disabled and would not be sent.
      document.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]:not(:disabled)`).forEach((item) => {
        item.checked = box.checked;
      });
    });
  });
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});
