/* pubcredit portal behaviour.
 *
 * Keeps resident ID numbers out of URLs: a search form marked with data-id-guard is not sent
 * when its query looks like an ID number (the same test as pubcredit/portal/forms.py, which
 * refuses such queries on the server for browsers without JavaScript). Search-as-you-type also
 * waits while a long run of digits is being typed, so that half-typed numbers are not sent.
 */
(function () {
  "use strict";

  var ID_NUMBER = /[0-9]{17}[0-9X]/;
  var USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  var RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

  function fold(value) {
    return (value || "").normalize("NFKC").trim().toUpperCase();
  }

  function isUscc(code) {
    if (!/^[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) {
      return false;
    }
    var total = 0;
    for (var i = 0; i < 17; i++) {
      total += USCC_ALPHABET.indexOf(code.charAt(i)) * USCC_WEIGHTS[i];
    }
    return USCC_ALPHABET.charAt((31 - (total % 31)) % 31) === code.charAt(17);
  }

  function hasResidentIdShape(code) {
    if (!/^[0-9]{17}[0-9X]$/.test(code)) {
      return false;
    }
    var total = 0;
    for (var i = 0; i < 17; i++) {
      total += Number(code.charAt(i)) * RIC_WEIGHTS[i];
    }
    var check = (12 - (total % 11)) % 11;
    if ((check === 10 ? "X" : String(check)) !== code.charAt(17)) {
      return false;
    }
    var year = Number(code.slice(6, 10));
    var month = Number(code.slice(10, 12));
    var day = Number(code.slice(12, 14));
    if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) {
      return false;
    }
    return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
  }

  function isAllowedUscc(folded) {
    return isUscc(folded) && !hasResidentIdShape(folded);
  }

  function looksLikeIdNumber(value) {
    var folded = fold(value);
    var match = folded.match(ID_NUMBER);
    if (!match) {
      return false;
    }
    return !(match[0] === folded && isAllowedUscc(folded));
  }

  function partialNumber(value) {
    var folded = fold(value);
    return /[0-9]{6,}/.test(folded) && !isAllowedUscc(folded);
  }

  function guardOf(element) {
    return element && element.closest ? element.closest("form[data-id-guard]") : null;
  }

  function queryOf(form) {
    var input = form.querySelector("[name=q]");
    return input ? input.value : "";
  }

  function showRefusal(form, show) {
    var notice = document.getElementById(form.getAttribute("data-id-guard"));
    if (!notice) {
      return;
    }
    notice.hidden = !show;
    notice.textContent = show ? form.getAttribute("data-id-message") : "";
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = guardOf(event.target);
      if (!form) {
        return;
      }
      var refused = looksLikeIdNumber(queryOf(form));
      showRefusal(form, refused);
      if (refused) {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true
  );

  document.addEventListener("htmx:configRequest", function (event) {
    var form = guardOf(event.detail.elt);
    if (!form) {
      return;
    }
    var query = queryOf(form);
    var refused = looksLikeIdNumber(query);
    showRefusal(form, refused);
    var typing = event.detail.triggeringEvent && event.detail.triggeringEvent.type === "input";
    if (refused || (typing && partialNumber(query))) {
      event.preventDefault();
    }
  });

  document.addEventListener("input", function (event) {
    var form = guardOf(event.target);
    if (form && !looksLikeIdNumber(queryOf(form))) {
      showRefusal(form, false);
    }
  });
})();
