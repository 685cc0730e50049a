// Forces and models: once a commune is chosen, offer only that commune's areas and organisations.
// The server checks the same rule; this only shortens the lists.
(function () {
  "use strict";
  const commune = document.getElementById("id_commune");
  if (!commune) return;
  const selects = Array.from(document.querySelectorAll("select[data-commune-filter]"));
  if (!selects.length) return;
  function refresh() {
    const chosen = commune.value;
    selects.forEach(function (select) {
      Array.from(select.options).forEach(function (option) {
        if (!option.value) return;
        const matches = !chosen || option.dataset.commune === chosen;
        option.hidden = !matches;
        option.disabled = !matches;
        if (!matches && option.selected) select.value = "";
      });
    });
  }
  commune.addEventListener("change", refresh);
  refresh();
})();
