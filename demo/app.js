// The demo page's script: wires the controls, shows what the element hands the host.
import { registerLocale } from '/_ml/demo/dist/media-library.js';
import { createMediaLibraryWidget } from '/_ml/demo/dist/media-library-widget.js';

// Any language can be added at run time; here a few Arabic strings show the right-to-left layout.
registerLocale('ar', {
  title: 'مكتبة الوسائط',
  insert: 'إدراج',
  cancel: 'إلغاء',
  close: 'إغلاق',
  searchLabel: 'بحث',
  searchPlaceholder: 'ابحث في الأسماء والوسوم',
  rootFolder: 'كل الملفات',
  foldersLabel: 'المجلدات',
  filesLabel: 'الملفات',
});

const picker = document.getElementById('picker');
const inline = document.getElementById('inline');
const gallery = document.getElementById('gallery');
const payload = document.getElementById('payload');
const source = document.getElementById('payload-source');

document.getElementById('open-picker').addEventListener('click', () => picker.show());

function showPayload(from, detail) {
  source.textContent = `From ${from}, ${new Date().toLocaleTimeString()}:`;
  payload.textContent = JSON.stringify(detail, null, 2);
}

picker.addEventListener('insert', (event) => {
  showPayload('the modal (insert event)', event.detail);
  gallery.replaceChildren(
    ...event.detail.data.map((file) => {
      const item = document.createElement('li');
      const image = document.createElement('img');
      image.src = `${file.url}&tr=w-320,h-240,c-at_max`;
      image.alt = file.description ?? file.name;
      image.loading = 'lazy';
      const caption = document.createElement('span');
      caption.textContent = file.name;
      item.append(image, caption);
      return item;
    }),
  );
});
inline.addEventListener('ml-insert', (event) =>
  showPayload('the inline library (ml-insert event)', event.detail),
);
for (const element of [picker, inline]) {
  element.addEventListener('ml-error', (event) => console.warn('media-library:', event.detail.message));
}

createMediaLibraryWidget(
  {
    container: '#widget-container',
    className: 'media-library-widget',
    view: 'modal',
    renderOpenButton: true,
    mlSettings: { initialView: { folderPath: '/products' }, multiple: true, maxFiles: 3 },
    authUrl: '/_ml/demo/auth',
    endpoint: '/',
  },
  (result) => showPayload('the ImageKit-style widget (callback)', result),
);

const controls = document.getElementById('controls');
controls.addEventListener('change', () => {
  const settings = Object.fromEntries(new FormData(controls));
  for (const element of document.querySelectorAll('media-library')) {
    element.theme = settings.theme;
    element.locale = settings.locale;
    element.density = settings.density;
  }
  document.documentElement.dataset.theme = settings.theme;
});
