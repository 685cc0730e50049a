// Choices too many to list (registry.lookups.SearchSelect): type part of a name, pick a row.
// The server searches the user's own scope (diacritics ignored) and checks the chosen id again.
(function () {
  "use strict";
  if (typeof TomSelect === "undefined") return;
  const commune = document.getElementById("id_commune");

  document.querySelectorAll("select[data-search-url]").forEach(function (select) {
    // Areas and organisations follow the form's commune (hosted-form.js does the same for lists).
    const followsCommune = commune && select.hasAttribute("data-commune-filter");
    const control = new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      diacritics: true,
      // No "---------" row: an optional choice is emptied with the clear button.
      allowEmptyOption: false,
      plugins: select.required ? [] : ["clear_button"],
      maxOptions: 50,
      preload: "focus",
      loadThrottle: 250,
      placeholder: select.dataset.placeholder,
      load: function (query, callback) {
        const url = new URL(select.dataset.searchUrl, window.location.href);
        url.searchParams.set("q", query);
        if (followsCommune && commune.value) url.searchParams.set("commune", commune.value);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { callback(data.results); })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function (data, escape) {
          return '<div class="no-results">' + escape(select.dataset.noResults) + "</div>";
        },
      },
    });
    function communeOf(value) {
      // Found by a search: in the result; rendered by the server: on its <option>.
      const found = control.options[value];
      if (found && found.commune) return found.commune;
      const option = select.querySelector('option[value="' + CSS.escape(value) + '"]');
      return option ? option.dataset.commune : undefined;
    }
    if (followsCommune) {
      commune.addEventListener("change", function () {
        // Another commune: what was chosen or found for the previous one no longer applies.
        const value = control.getValue();
        if (value && communeOf(value) !== commune.value) control.clear();
        control.clearOptions();
        control.loadedSearches = {};
      });
    }
  });
})();
